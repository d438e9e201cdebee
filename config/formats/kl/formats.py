# Django ships no kalaallisut formats; Greenland writes dates and numbers as Denmark does.
from django.conf.locale.da.formats import *  # noqa: F403
