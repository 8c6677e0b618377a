"""Inputs → validated data: read a city folder and single input files, report every problem."""

from planner.io.city import City, DataErrors, load_city

__all__ = ["City", "DataErrors", "load_city"]
