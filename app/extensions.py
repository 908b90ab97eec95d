"""Extension instances only; they are bound to the app in `create_app()`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.database import Base
from app.security import limiter_key

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
# Limits are kept per client under a keyed hash of its address (never the address itself);
# behind a proxy, ProxyFix (see create_app) has already put the client's address in remote_addr.
limiter = Limiter(key_func=limiter_key, default_limits=[])
