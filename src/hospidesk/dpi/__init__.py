"""The patient record (DPI): documents filed through the hospital's interface engine (EAI).

``hl7`` writes the HL7 v2 messages (MDM^T02 to add a document, MDM^T10 to replace it) and reads
their acknowledgements; ``mllp`` carries them over TCP. Qt-free; the policy says where to send.
"""
