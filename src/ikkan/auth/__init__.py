"""Who is signed in: users, sign-in sessions, API tokens and the audit log.

Pure service functions over the state database (``ikkan.state``); the permission rule itself
is ``ikkan.state.policy.decide``. The CLI (``ikkan users|tokens|audit``) and the web app
(sign-in pages, the request guard) both call these functions.
"""
