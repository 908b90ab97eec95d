"""Pages about the site itself: About, health check, robots.txt."""
