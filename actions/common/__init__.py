"""Shared pieces of the actions: backend client, replies, form validation base."""
