"""Word documents: reading sources (.txt, .eml, .docx), checking and rendering .docx templates."""
