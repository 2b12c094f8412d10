"""The page frame in French: the skip link, and the language button not taken over by Django admin's wording."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_frame_reads_in_french():
    body = Client(headers={"accept-language": "fr"}).get("/registry/").content.decode()
    assert ("Aller au contenu" in body, ">Changer</button>" in body, "Modification" in body) == (True, True, False)
