"""The staff area: its guard, navigation and the pages no single feature owns."""
