"""Forms shared across features."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A POST-only button: the form carries nothing but its CSRF token."""
