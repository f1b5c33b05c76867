from flask_smorest import Blueprint

blp = Blueprint("passes", __name__, url_prefix="/api/v1", description="Passes")
