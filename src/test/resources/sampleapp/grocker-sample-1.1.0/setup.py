# Only the C extension is declared here; everything else is in pyproject.toml.
from setuptools import Extension, setup

setup(ext_modules=[Extension("grocker_sample._fastmath", ["grocker_sample/_fastmath.c"])])
