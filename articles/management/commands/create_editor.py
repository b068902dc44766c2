import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_ENV = "DJANGO_EDITOR_PASSWORD"
MAX_TRIES = 3


class Command(BaseCommand):
    help = (
        "Create a story editor: a staff user in the `editors` group, who can edit stories, "
        "bylines, reporters, regions and tags in the admin and nothing else. Prompts for the "
        f"password twice; with --no-input it is read from {PASSWORD_ENV}."
    )
    # Lets tests and scripts hand the command its answers, as Django's createsuperuser does.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="The editor's login name.")
        parser.add_argument("--email", default="", help="The editor's e-mail address (optional).")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from the {PASSWORD_ENV} environment variable.",
        )

    def handle(self, *args, username, email, interactive, **options):
        self.stdin = options.get("stdin") or sys.stdin
        User = get_user_model()
        if User._default_manager.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在。")
        try:
            editors = Group.objects.get(name="editors")
        except Group.DoesNotExist:
            raise CommandError("找不到 editors 组：请先运行 python manage.py migrate。") from None
        user = User(username=username, email=email, is_staff=True)
        user.set_password(self.new_password(user, interactive))
        with transaction.atomic():
            user.save()
            user.groups.add(editors)
        self.stdout.write(self.style.SUCCESS(f"已创建编辑 {username}。"))

    def new_password(self, user, interactive):
        if not interactive:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"使用 --no-input 时，请在环境变量 {PASSWORD_ENV} 中提供密码。")
            self.validate(password, user)
            return password
        for _ in range(MAX_TRIES):
            password = self.ask("密码：")
            if password != self.ask("再次输入密码："):
                self.stderr.write("两次输入的密码不一致。")
                continue
            try:
                return self.validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
        raise CommandError("未能设置密码，没有创建用户。")

    def validate(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("密码不合格：" + " ".join(error.messages)) from None
        return password

    def ask(self, prompt):
        if self.stdin.isatty():
            return getpass.getpass(prompt)
        # Piped input (scripts, tests): read a line, without echoing it back.
        line = self.stdin.readline()
        if not line:
            raise CommandError("输入已结束，没有创建用户。")
        return line.rstrip("\r\n")
