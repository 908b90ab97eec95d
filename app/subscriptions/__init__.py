"""Prayer-update email: subscribers (double opt-in), their preferences, and the updates staff send.

Other features subscribe someone with `app.subscriptions.services.request_subscription()`.
"""
