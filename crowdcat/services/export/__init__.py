"""Export: approved entries as CSV or JSON Lines, streamed in constant memory.

writer (the query and the stream), rows (cells completed in Python), cells (spreadsheet
safety, dates, integers: where a CSV cell is made safe), plan (options and columns),
references (the composed 檔號), images (each item's first and last image names and image
count), postgres and postgres_cells (the same rules written by
PostgreSQL's COPY when the server can do it all).
"""
