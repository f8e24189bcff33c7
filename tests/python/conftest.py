"""Shared fixtures for the Python consumer tests."""
