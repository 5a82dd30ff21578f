-- Captured response bodies (capture: { body: 4KiB, when: failure }): the first bytes of a body as
-- text, or a note on a binary one; null when the fetch captured nothing. 64 KiB is the most a
-- capture keeps, decoded to at most as many characters, plus room for the truncation marker.
-- Portable SQL for H2 and PostgreSQL; retention deletes a body with its row.
ALTER TABLE fetches ADD COLUMN body VARCHAR(66560);
