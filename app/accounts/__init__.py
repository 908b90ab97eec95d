"""Accounts: sign-in, sessions, two-factor, roles; ministry leaders and staff."""
