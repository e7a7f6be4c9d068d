-- The users table of a Rails application with Devise, on PostgreSQL: Devise's generated
-- migration (database_authenticatable, recoverable, rememberable; `t.timestamps null: false`)
-- as `rails db:migrate` creates it with Rails 7, plus the one column this application's own
-- migration added to tell load-test accounts apart:
--   add_column :users, :load_test_user, :boolean, default: false, null: false
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email character varying DEFAULT '' NOT NULL,
    encrypted_password character varying DEFAULT '' NOT NULL,
    reset_password_token character varying,
    reset_password_sent_at timestamp(6) without time zone,
    remember_created_at timestamp(6) without time zone,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL,
    load_test_user boolean DEFAULT false NOT NULL
);
CREATE UNIQUE INDEX index_users_on_email ON users USING btree (email);
CREATE UNIQUE INDEX index_users_on_reset_password_token ON users USING btree (reset_password_token);
