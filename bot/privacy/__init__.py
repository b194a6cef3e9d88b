"""Data rights: encryption keys, export, erasure, retention and anonymous team insights."""
