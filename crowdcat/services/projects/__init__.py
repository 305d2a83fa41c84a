"""Projects: their settings, catalog fields and templates, progress, and the keying snapshot.

setup (create and change projects, access in bulk), fields (the field editor), templates
(民國檔案文件級目錄 and the others), snapshot (ProjectSnapshot: the frozen view the hot
paths read), progress (pages by stage), instructions (staff Markdown rendered safely).
"""
