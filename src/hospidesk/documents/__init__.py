"""Documents: reading sources (text, e-mails, Word, OpenDocument, PDF), checking and rendering
.docx templates."""
