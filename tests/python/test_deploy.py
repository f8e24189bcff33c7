"""The CloudFormation template in deploy/ passes cfn-lint and keeps its security promises."""

import pathlib
import subprocess
import sys

import pytest
from cfnlint.decode import decode_str

REPO = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "lasso.yaml"


def lint(path):
    cfn_lint = pathlib.Path(sys.executable).with_name("cfn-lint")
    return subprocess.run([str(cfn_lint), str(path)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def template():
    tpl, matches = decode_str(TEMPLATE.read_text())
    assert not matches, matches
    return tpl


def resources(tpl, kind):
    return {k: v for k, v in tpl["Resources"].items() if v["Type"] == kind}


def test_cfn_lint_passes():
    r = lint(TEMPLATE)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cfn_lint_catches_a_broken_template(tmp_path):
    broken = TEMPLATE.read_text().replace("Runtime: provided.al2023", "Runtime: provided.al1999")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    r = lint(path)
    assert r.returncode != 0
    assert "provided.al1999" in r.stdout, r.stdout + r.stderr


def test_buckets_are_private_and_encrypted(template):
    buckets = resources(template, "AWS::S3::Bucket")
    assert set(buckets) == {"DataBucket", "SiteBucket"}
    for name, b in buckets.items():
        props = b["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert props["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
        assert "BucketEncryption" in props, name
        assert "WebsiteConfiguration" not in props, name


def test_data_bucket_cors_exposes_etag_for_multipart(template):
    rule = template["Resources"]["DataBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]
    assert "ETag" in rule["ExposedHeaders"]
    assert "PUT" in rule["AllowedMethods"]
    assert "*" not in str(rule["AllowedOrigins"])


def test_cloudfront_uses_origin_access_control(template):
    dist = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    origin = dist["Origins"][0]
    assert "OriginAccessControlId" in origin
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert dist["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    oac = template["Resources"]["SiteOriginAccessControl"]["Properties"]
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def test_presign_role_is_least_privilege(template):
    role = template["Resources"]["PresignRole"]["Properties"]
    actions = set()
    for policy in role["Policies"]:
        for st in policy["PolicyDocument"]["Statement"]:
            assert st["Effect"] == "Allow"
            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for a in acts:
                assert "*" not in a, f"wildcard action {a}"
                actions.add(a)
            for r in res:
                assert r != "*", f"wildcard resource in {policy['PolicyName']}"
    # Deleting is limited to the server's own lease markers under <project>/state/.
    for policy in role["Policies"]:
        for st in policy["PolicyDocument"]["Statement"]:
            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            if "s3:DeleteObject" in acts:
                assert acts == ["s3:DeleteObject"]
                assert "/*/state/*" in str(st["Resource"])
    assert "s3:PutBucketPolicy" not in actions
    assert "s3:DeleteBucket" not in actions
    assert {"s3:GetObject", "s3:PutObject", "s3:ListBucket"} <= actions
    assert "ManagedPolicyArns" not in role


def test_lambda_serves_through_a_function_url(template):
    fn = template["Resources"]["PresignFunction"]["Properties"]
    assert fn["Runtime"] == "provided.al2023"
    env = fn["Environment"]["Variables"]
    assert {"LASSO_BUCKET", "LASSO_TOKENS", "LASSO_CORS_ORIGINS", "LASSO_OIDC_ISSUER", "LASSO_OIDC_AUDIENCE"} <= env.keys()
    assert template["Parameters"]["ApiTokens"]["NoEcho"] is True
    assert resources(template, "AWS::Lambda::Url")


def test_sign_in_is_cognito_with_pkce_and_role_groups(template):
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False, "a browser cannot keep a client secret"
    assert client["AllowedOAuthFlows"] == ["code"], "authorization code only (with PKCE), no implicit flow"
    assert "implicit" not in str(client)
    groups = {r["Properties"]["GroupName"] for r in resources(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"annotator", "reviewer", "manager"}
    assert resources(template, "AWS::Cognito::UserPoolDomain")
    env = template["Resources"]["PresignFunction"]["Properties"]["Environment"]["Variables"]
    assert env["LASSO_OIDC_AUDIENCE"] == {"Ref": "UserPoolClient"}
    rule = template["Resources"]["DataBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]
    assert {"if-match", "if-none-match"} <= set(rule["AllowedHeaders"]), "conditional result writes"
