"""Sign-in for the web app: who is asking (session cookie or Bearer token), the one guard
that asks ``policy.decide`` for every route, CSRF, and the rules routes declare.

For route authors: a route that writes declares its permission with ``require`` (see
``rules.py``); the guard refuses any write route that does not.
"""

from ikkan.web.auth.rules import node_in_body, node_in_path, public, require

__all__ = ["node_in_body", "node_in_path", "public", "require"]
