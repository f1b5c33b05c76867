from flask_smorest import Blueprint

blp = Blueprint("booths", __name__, url_prefix="/api/v1", description="booths")
