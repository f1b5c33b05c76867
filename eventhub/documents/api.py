from flask_smorest import Blueprint

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="documents")
