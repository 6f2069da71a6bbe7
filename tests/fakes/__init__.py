"""Faithful local stand-ins for third-party services the product talks to (WeChat)."""
