"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 description of every route, from the code."""

from openapi_spec_validator import validate

from scheduler.web.api.openapi import openapi_path


def described(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_description_is_valid_openapi_3_1(client):
    description = described(client)
    assert description["openapi"].startswith("3.1")
    validate(description)


def test_every_api_route_and_method_is_described(client, app):
    paths = described(client)["paths"]
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert len(rules) > 40
    for rule in rules:
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths.get(openapi_path(rule.rule), {}), f"{method} {rule.rule}"


def test_every_operation_needs_a_bearer_token_but_the_description_itself(client):
    description = described(client)
    assert description["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": description["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert description["security"] == [{"bearerAuth": []}]
    for path, operations in description["paths"].items():
        for method, operation in operations.items():
            public = operation.get("security") == []
            assert public == (path == "/api/v1/openapi.json"), f"{method} {path}"
            assert public or {"401", "403"} <= set(operation["responses"])


def test_refusals_are_described_with_the_error_shape(client):
    description = described(client)
    create_post = description["paths"]["/api/v1/posts"]["post"]
    for status in ("400", "422"):
        schema = create_post["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
    assert set(description["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {
        "message",
        "fields",
    }
    get_plan = description["paths"]["/api/v1/plans/{plan_id}"]["get"]
    assert "404" in get_plan["responses"]
    assert get_plan["parameters"][0] == {
        "name": "plan_id",
        "in": "path",
        "required": True,
        "schema": get_plan["parameters"][0]["schema"],
    }
    assert get_plan["parameters"][0]["schema"]["type"] == "integer"


def test_query_parameters_and_resources_are_described(client):
    description = described(client)
    listed = description["paths"]["/api/v1/posts"]["get"]
    assert {p["name"] for p in listed["parameters"] if p["in"] == "query"} >= {"plan_id", "channel", "status", "from"}
    assert {"Plan", "Post", "Report", "Channel", "Item", "StyleEntry", "Error"} <= set(
        description["components"]["schemas"]
    )


def test_the_published_request_schema_is_the_one_that_refuses(client):
    """The description's schema for a body and the API's refusals come from one declaration."""
    schema = described(client)["paths"]["/api/v1/plans"]["post"]["requestBody"]["content"]["application/json"]
    assert "timezone" in schema["schema"]["required"]
    answer = client.post(
        "/api/v1/plans",
        json={"name": "P", "theme": "T", "starts_on": "2031-01-01", "ends_on": "2031-01-31", "keywords": [1]},
    )
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert fields == {"timezone": "is required", "keywords": "must be a string (each item)"}
    assert client.get("/api/v1/plans").get_json() == []


def test_a_body_refused_in_part_still_hears_the_services_on_the_rest_and_saves_nothing(client):
    answer = client.post(
        "/api/v1/plans",
        json={"name": 5, "theme": "T", "starts_on": "2031-02-01", "ends_on": "2031-01-01", "timezone": "UTC"},
    )
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"name", "ends_on"}
    assert client.get("/api/v1/plans").get_json() == []
