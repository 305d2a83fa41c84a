"""Accounts: users (sign-up, passwords, roles) and personal API tokens."""
