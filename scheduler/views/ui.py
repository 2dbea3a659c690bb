"""The pages people use (placeholder until the UI lands)."""
from flask import Blueprint

blueprint = Blueprint("ui", __name__)
