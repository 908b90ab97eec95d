"""Comments on stories, prayer requests and projects, and their moderation."""
