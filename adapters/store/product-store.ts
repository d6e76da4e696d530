import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict, CocagneError, notFound } from '../../domain/errors.ts';
import { requireEntityId } from '../../domain/ids.ts';
import type { Product, ProductInput } from '../../domain/products.ts';
import { ChangeRefusedError, type ChangeLog } from './action-log.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

const productLabel = { fr: 'Produit', en: 'Product' };

/** The garden's catalogue of vegetables and products. */
export function createProductStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const key = (gardenId: string, id: string) => ({ pk: gardenId, sk: `PRODUCT#${id}` });

  return {
    async create(gardenId: string, id: string, input: ProductInput, log?: ChangeLog): Promise<Product> {
      requireEntityId(id, productLabel);
      const product: Product = { ...input, id, gardenId, version: 1 };
      const put = {
        TableName: tables.gardens,
        Item: { ...key(gardenId, id), entity: 'product', ...product },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      try {
        if (log) await log.write([{ Put: put }], product, (refused) => refused);
        else await db.send(new PutCommand(put));
      } catch (error) {
        if (isConditionFailure(error) || error instanceof ChangeRefusedError) {
          throw new CocagneError('duplicate', {
            fr: 'Ce produit existe déjà.',
            en: 'This product already exists.',
          });
        }
        throw error;
      }
      return product;
    },

    async get(gardenId: string, id: string): Promise<Product | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tables.gardens, Key: key(gardenId, id) }));
      return Item ? withoutKeys<Product>(Item) : undefined;
    },

    async update(
      gardenId: string,
      id: string,
      expectedVersion: number,
      input: ProductInput,
      /** The staff action log's entry of this change, written with it. */
      log?: ChangeLog,
    ): Promise<Product> {
      const product: Product = { ...input, id, gardenId, version: expectedVersion + 1 };
      const put = {
        TableName: tables.gardens,
        Item: { ...key(gardenId, id), entity: 'product', ...product },
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
      try {
        if (log) await log.write([{ Put: put }], product, (refused) => refused);
        else await db.send(new PutCommand(put));
      } catch (error) {
        if (!(isConditionFailure(error) || error instanceof ChangeRefusedError)) throw error;
        if (!(await this.get(gardenId, id))) throw notFound(productLabel);
        throw conflict();
      }
      return product;
    },

    /** The whole catalogue, by name. */
    async list(gardenId: string): Promise<Product[]> {
      const items = await queryPrefix(db, tables.gardens, gardenId, 'PRODUCT#');
      const products = items.map((item) => withoutKeys<Product>(item));
      return products.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    },
  };
}
export type ProductStore = ReturnType<typeof createProductStore>;
