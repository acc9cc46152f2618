"""Document templates (HTML/CSS for PDF, docxtpl DOCX) of the documents app."""
