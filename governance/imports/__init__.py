"""Import the spreadsheets councils already keep: one service (service.py) behind every door."""
