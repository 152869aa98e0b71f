def test_post_and_read(client, poster):
    response = poster.post(title="Artikel eins")
    assert response.status_code == 201, response.text
    thread = client.get("/api/comments", params={"uri": "/artikel/eins"}).json()
    assert thread["total"] == 1
    assert thread["comments"][0]["author"] == "Erika"
