"""JSON Schema of the case format, generated from the models (``sevenfold schema``)."""

from __future__ import annotations

from typing import Any

from sevenfold.model.case import Case


def case_json_schema() -> dict[str, Any]:
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://sevenfold.example/schema/sevenfold-1.json"
    schema["title"] = "sevenfold/1 case file"
    schema["description"] = (
        "A sevenfold case: sources, documents, reports with claims, hypotheses (incl. deception "
        "hypotheses), ACH ratings and outcomes. Unknown keys inside an entry are kept as extra; "
        "unknown top-level keys are an error. Cross-references must resolve (checked beyond this schema)."
    )
    return schema
