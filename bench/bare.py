"""The reference: a bare Flask endpoint returning a short string (served like the site)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
