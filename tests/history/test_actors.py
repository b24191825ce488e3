from heroes.history.actors import current_command, running_command


def test_running_command_names_the_command_inside_only():
    assert current_command() == ""
    with running_command("shell"):
        assert current_command() == "shell"
        with running_command("loaddata"):
            assert current_command() == "loaddata"
        assert current_command() == "shell"
    assert current_command() == ""
