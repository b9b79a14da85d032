"""The course on a real JupyterHub: Linux accounts, PAM log-in, one JupyterLab per account run as
that account, nbgrader's shared exchange, and formgrader as a hub service of the grader account
(nbgrader's "one class, multiple graders" set-up with its JupyterHubAuthPlugin). See docs/hub.md.
"""
