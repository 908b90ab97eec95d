"""Projects, stories and prayer requests: the public reading side of the site."""
