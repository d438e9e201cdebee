"""Workflows of citizen cases, one module per subject. Every write goes through here.

Each service is keyword-only, takes ``actor=``, runs in one transaction and writes an audit
row (``core.audit.record``) and a timeline event. Rule violations raise
``django.core.exceptions.ValidationError`` with a Danish message a view can show as is.
"""
