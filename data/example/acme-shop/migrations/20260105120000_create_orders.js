export async function up(knex) {
  await knex.schema.createTable("orders", (t) => {
    t.increments("id");
    t.decimal("total", 10, 2).notNullable();
    t.timestamps(true, true);
  });
}

export async function down(knex) {
  await knex.schema.dropTable("orders");
}
