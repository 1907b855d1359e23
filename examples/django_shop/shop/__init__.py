"""A small Django shop that takes card payments through the Sogenactif Office Server."""
