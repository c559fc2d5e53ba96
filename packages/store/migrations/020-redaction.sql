-- Redaction: a recipe (boxes over time, effect, muted audio ranges, optional clip range) applied to one
-- stored blob (an original or another derivative) to make a new blob that can be published. The source
-- never changes; the recipe, its hash and the tool that rendered it are kept and ledgered.
-- Publication reads approved rows only: status = 'approved' AND output_sha256 IS NOT NULL.

CREATE TABLE redactions (
  id             bigserial PRIMARY KEY,
  case_id        bigint NOT NULL REFERENCES cases(id),
  item_id        bigint NOT NULL REFERENCES items(id),
  source_sha256  text NOT NULL REFERENCES blobs(sha256),
  title          text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
  recipe         jsonb NOT NULL,
  recipe_sha256  text NOT NULL CHECK (recipe_sha256 ~ '^[0-9a-f]{64}$'),
  version        integer NOT NULL DEFAULT 1,
  status         text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'rendering', 'rendered', 'approved', 'rejected', 'failed')),
  failure        text,
  output_sha256  text REFERENCES blobs(sha256),
  -- The render's own facts: tool (ffmpeg version), duration, size; null until rendered.
  output_facts   jsonb,
  created_by     bigint NOT NULL REFERENCES users(id),
  rendered_by    bigint REFERENCES users(id),
  rendered_at    timestamptz,
  reviewed_by    bigint REFERENCES users(id),
  reviewed_at    timestamptz,
  review_note    text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  -- A second person approves: never the one who made or rendered the recipe.
  CHECK (status <> 'approved' OR (reviewed_by IS NOT NULL AND reviewed_by <> created_by
         AND (rendered_by IS NULL OR reviewed_by <> rendered_by) AND output_sha256 IS NOT NULL))
);
CREATE INDEX redactions_item ON redactions (item_id, id);
CREATE INDEX redactions_case ON redactions (case_id, status);
