"""Input channels beyond Rasa's built-ins: the web widget's socket.io (`socketio.py`) and the
WeChat official account (`wechat.py`)."""
