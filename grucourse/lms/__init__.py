"""Moodle and Canvas: the names their downloads give submitted files, the participants they
stand for, and the files they import back (grades, feedback pages)."""
