"""The staff back office's own pages beside the admin's model pages: the dashboard on the admin index.

A door, like the portals: it reads from billing, operations and members (their selectors), and holds no rule.
"""
