-- auth_user as Django's migrations leave it on PostgreSQL (django.contrib.auth 0001 to 0012,
-- Django 3.2, the version Debian ships): what `python -m django sqlmigrate auth 0001` … `0012`
-- add up to. Written out from django/contrib/auth/migrations; no database default on any
-- column (Django fills them in Python), so the mapping's staticColumns must.
CREATE TABLE "auth_user" (
    "id" serial NOT NULL PRIMARY KEY,
    "password" varchar(128) NOT NULL,
    "last_login" timestamp with time zone NULL,
    "is_superuser" boolean NOT NULL,
    "username" varchar(150) NOT NULL UNIQUE,
    "first_name" varchar(150) NOT NULL,
    "last_name" varchar(150) NOT NULL,
    "email" varchar(254) NOT NULL,
    "is_staff" boolean NOT NULL,
    "is_active" boolean NOT NULL,
    "date_joined" timestamp with time zone NOT NULL
);
CREATE INDEX "auth_user_username_6821ab7c_like" ON "auth_user" ("username" varchar_pattern_ops);
