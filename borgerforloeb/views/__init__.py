"""Case pages, one module per subject. Thin: every read starts from ``visible_to`` (others get
404), writes go to services.
"""
