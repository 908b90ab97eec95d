"""Email: the durable outbox every feature sends through, and its delivery worker."""
