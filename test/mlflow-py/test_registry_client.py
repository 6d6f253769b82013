"""MlflowClient's registry calls, made by the real MLflow 2.12.2 client against our registry."""
import unittest

from mlflow.exceptions import MlflowException
from support import REGISTRY_URL, registry_client, unique


class RegistryCalls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = registry_client()
        cls.team = unique("team")
        cls.a = unique("pyclient-a")
        cls.b = unique("pyclient-b")
        c = cls.client
        c.create_registered_model(cls.a, tags={"team": cls.team, "tier": "gold"}, description="model a")
        c.create_registered_model(cls.b, tags={"team": cls.team, "tier": "silver"})
        for i in range(3):
            c.create_model_version(
                cls.a,
                f"s3://bucket/a/{i}",
                run_id=f"run-a-{i}",
                tags={"fold": str(i)},
                description=f"a v{i + 1}",
            )
        c.create_model_version(cls.b, "s3://bucket/b/0", run_id="run-b-0")

    def test_create_and_get_registered_model(self):
        m = self.client.get_registered_model(self.a)
        self.assertEqual(m.name, self.a)
        self.assertEqual(m.description, "model a")
        self.assertEqual(m.tags, {"team": self.team, "tier": "gold"})
        self.assertGreater(m.creation_timestamp, 0)
        self.assertGreaterEqual(m.last_updated_timestamp, m.creation_timestamp)
        self.assertEqual(sorted(v.version for v in m.latest_versions), ["3"])

    def test_create_duplicate_model_is_refused(self):
        with self.assertRaises(MlflowException) as caught:
            self.client.create_registered_model(self.a)
        self.assertEqual(caught.exception.error_code, "RESOURCE_ALREADY_EXISTS")

    def test_get_missing_model(self):
        with self.assertRaises(MlflowException) as caught:
            self.client.get_registered_model(unique("absent"))
        self.assertEqual(caught.exception.error_code, "RESOURCE_DOES_NOT_EXIST")

    def test_search_registered_models_by_every_filter_key(self):
        c = self.client
        names = lambda f, **kw: sorted(m.name for m in c.search_registered_models(filter_string=f, **kw))  # noqa: E731
        self.assertEqual(names(f"name = '{self.a}'"), [self.a])
        self.assertEqual(names(f"name != '{self.a}' AND tags.team = '{self.team}'"), [self.b])
        self.assertEqual(names(f"name LIKE '{self.a[:-4]}%'"), [self.a])
        self.assertEqual(names(f"name ILIKE '{self.a.upper()}'"), [self.a])
        self.assertEqual(names(f"tags.team = '{self.team}'"), sorted([self.a, self.b]))
        self.assertEqual(names(f"tags.team = '{self.team}' AND tags.tier != 'gold'"), [self.b])
        self.assertEqual(names(f"tags.team = '{self.team}' AND tags.tier LIKE 'gol%'"), [self.a])
        self.assertEqual(names(f"tags.team = '{self.team}' AND tags.`tier` ILIKE 'SILVER'"), [self.b])
        ordered = [m.name for m in c.search_registered_models(f"tags.team = '{self.team}'", order_by=["name DESC"])]
        self.assertEqual(ordered, sorted([self.a, self.b], reverse=True))
        with self.assertRaises(MlflowException) as caught:
            c.search_registered_models("nonsense = 'x'")
        self.assertEqual(caught.exception.error_code, "INVALID_PARAMETER_VALUE")

    def test_search_registered_models_pages(self):
        first = self.client.search_registered_models(f"tags.team = '{self.team}'", max_results=1)
        self.assertEqual(len(first), 1)
        self.assertTrue(first.token)
        second = self.client.search_registered_models(
            f"tags.team = '{self.team}'", max_results=1, page_token=first.token
        )
        self.assertEqual(sorted([first[0].name, second[0].name]), sorted([self.a, self.b]))

    def test_search_model_versions_by_every_filter_key(self):
        c = self.client
        found = lambda f: sorted((v.name, int(v.version)) for v in c.search_model_versions(f))  # noqa: E731
        a = self.a
        self.assertEqual(found(f"name = '{a}'"), [(a, 1), (a, 2), (a, 3)])
        self.assertEqual(found(f"name = '{a}' AND version_number > 1"), [(a, 2), (a, 3)])
        self.assertEqual(found(f"name = '{a}' AND version_number = 2"), [(a, 2)])
        self.assertEqual(found("run_id = 'run-a-0'"), [(a, 1)])
        self.assertEqual(found("run_id IN ('run-a-1', 'run-b-0')"), [(a, 2), (self.b, 1)])
        self.assertEqual(found(f"name = '{a}' AND run_id != 'run-a-0'"), [(a, 2), (a, 3)])
        self.assertEqual(found(f"name LIKE '{a[:-4]}%'"), [(a, 1), (a, 2), (a, 3)])
        self.assertEqual(found(f"name ILIKE '{a.upper()}'"), [(a, 1), (a, 2), (a, 3)])
        self.assertEqual(found(f"name = '{a}' AND source_path = 's3://bucket/a/1'"), [(a, 2)])
        self.assertEqual(found(f"name = '{a}' AND source_path LIKE 's3://bucket/a/%'"), [(a, 1), (a, 2), (a, 3)])
        self.assertEqual(found(f"name = '{a}' AND tags.fold = '2'"), [(a, 3)])
        self.assertEqual(found(f"name = '{a}' AND tags.fold != '2'"), [(a, 1), (a, 2)])
        ordered = [int(v.version) for v in c.search_model_versions(f"name = '{a}'", order_by=["version_number ASC"])]
        self.assertEqual(ordered, [1, 2, 3])
        with self.assertRaises(MlflowException) as caught:
            c.search_model_versions("bogus = 1")
        self.assertEqual(caught.exception.error_code, "INVALID_PARAMETER_VALUE")

    def test_update_and_tags_of_a_registered_model(self):
        name = unique("pyclient-update")
        c = self.client
        c.create_registered_model(name)
        c.update_registered_model(name, description="new words")
        c.set_registered_model_tag(name, "owner", "asha")
        c.set_registered_model_tag(name, "gone", "soon")
        c.delete_registered_model_tag(name, "gone")
        m = c.get_registered_model(name)
        self.assertEqual(m.description, "new words")
        self.assertEqual(m.tags, {"owner": "asha"})

    def test_versions_get_update_tags_and_download_uri(self):
        c = self.client
        v = c.get_model_version(self.a, "2")
        self.assertEqual((v.name, v.version, v.source, v.run_id), (self.a, "2", "s3://bucket/a/1", "run-a-1"))
        self.assertEqual(v.status, "READY")
        self.assertEqual(v.current_stage, "None")
        self.assertEqual(v.tags, {"fold": "1"})
        self.assertEqual(v.description, "a v2")
        c.update_model_version(self.a, "2", description="reworded")
        c.set_model_version_tag(self.a, "2", "checked", "yes")
        c.delete_model_version_tag(self.a, "2", "fold")
        v = c.get_model_version(self.a, "2")
        self.assertEqual(v.description, "reworded")
        self.assertEqual(v.tags, {"checked": "yes"})
        # No files stored with us: the download URI is the version's source, as MLflow answers.
        self.assertEqual(c.get_model_version_download_uri(self.a, "2"), "s3://bucket/a/1")

    def test_aliases(self):
        c = self.client
        c.set_registered_model_alias(self.a, "champion", "3")
        c.set_registered_model_alias(self.a, "challenger", "2")
        self.assertEqual(c.get_model_version_by_alias(self.a, "champion").version, "3")
        self.assertEqual(c.get_registered_model(self.a).aliases, {"champion": "3", "challenger": "2"})
        self.assertEqual(c.get_model_version(self.a, "2").aliases, ["challenger"])
        c.set_registered_model_alias(self.a, "challenger", "1")
        c.delete_registered_model_alias(self.a, "champion")
        self.assertEqual(c.get_registered_model(self.a).aliases, {"challenger": "1"})
        with self.assertRaises(MlflowException) as caught:
            c.get_model_version_by_alias(self.a, "champion")
        # What MLflow's own server answers for an unknown alias.
        self.assertEqual(caught.exception.error_code, "INVALID_PARAMETER_VALUE")

    def test_transition_stages_and_latest_versions(self):
        name = unique("pyclient-stages")
        c = self.client
        c.create_registered_model(name)
        for i in range(3):
            c.create_model_version(name, f"s3://bucket/s/{i}")
        self.assertEqual(c.transition_model_version_stage(name, "1", "Staging").current_stage, "Staging")
        c.transition_model_version_stage(name, "2", "staging", archive_existing_versions=True)
        self.assertEqual(c.get_model_version(name, "1").current_stage, "Archived")
        self.assertEqual(c.get_model_version(name, "2").current_stage, "Staging")
        latest = {v.current_stage: v.version for v in c.get_latest_versions(name)}
        self.assertEqual(latest, {"Archived": "1", "Staging": "2", "None": "3"})
        self.assertEqual([v.version for v in c.get_latest_versions(name, stages=["Staging"])], ["2"])
        found = [v.version for v in c.search_model_versions(f"name = '{name}'") if v.current_stage == "Staging"]
        self.assertEqual(found, ["2"])

    def test_rename(self):
        old, new = unique("pyclient-old"), unique("pyclient-new")
        c = self.client
        c.create_registered_model(old, tags={"k": "v"})
        c.create_model_version(old, "s3://bucket/r/0")
        c.rename_registered_model(old, new)  # 2.12.2's MlflowClient returns None here
        self.assertEqual(c.get_registered_model(new).tags, {"k": "v"})
        self.assertEqual(c.get_model_version(new, "1").source, "s3://bucket/r/0")
        with self.assertRaises(MlflowException):
            c.get_registered_model(old)

    def test_delete_version_and_model(self):
        name = unique("pyclient-delete")
        c = self.client
        c.create_registered_model(name)
        c.create_model_version(name, "s3://bucket/d/0")
        c.create_model_version(name, "s3://bucket/d/1")
        c.delete_model_version(name, "1")
        with self.assertRaises(MlflowException) as caught:
            c.get_model_version(name, "1")
        self.assertEqual(caught.exception.error_code, "RESOURCE_DOES_NOT_EXIST")
        # Numbers are never reused: the next version is 3.
        self.assertEqual(c.create_model_version(name, "s3://bucket/d/2").version, "3")
        c.delete_registered_model(name)
        self.assertEqual(list(c.search_registered_models(f"name = '{name}'")), [])

    def test_unauthenticated_calls_are_refused(self):
        import requests

        res = requests.get(f"{REGISTRY_URL}/api/2.0/mlflow/registered-models/get", params={"name": self.a}, timeout=30)
        self.assertEqual(res.status_code, 401)


if __name__ == "__main__":
    unittest.main()
