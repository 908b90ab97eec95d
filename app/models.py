"""Every model module, imported once so SQLAlchemy's metadata (and Alembic) sees all tables."""

from app.accounts import models as accounts_models  # noqa: F401
from app.audit import AuditEvent  # noqa: F401
from app.bible_requests import models as bible_request_models  # noqa: F401
from app.comments import models as comments_models  # noqa: F401
from app.content import models as content_models  # noqa: F401
from app.mail import models as mail_models  # noqa: F401
from app.settings import SiteSetting  # noqa: F401
from app.site.pagecache import PageCacheGeneration  # noqa: F401
from app.subscriptions import models as subscriptions_models  # noqa: F401
