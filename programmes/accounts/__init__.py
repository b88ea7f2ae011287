"""Django's own account commands (createsuperuser, changepassword), audited: listed before
django.contrib.auth in INSTALLED_APPS so that its commands are the ones `manage.py` runs."""
