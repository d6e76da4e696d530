import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Product, ProductInput } from '../../domain/products.ts';
import { staffRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams, ProductParams, Version } from '../schemas.ts';
import { notFound } from '../../domain/errors.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';

/** The garden's catalogue of vegetables and products. */
export const productRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/products',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: "The garden's products, by name.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Array(Product), ...errorAnswers },
      },
    },
    async (request) => store.products.list(request.params.gardenId),
  );

  app.post(
    '/products',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: 'Adds a product to the catalogue.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: ProductInput,
        response: { 201: Product, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const id = `p-${app.newId().slice(2)}`;
      const product = await store.products.create(
        gardenId,
        id,
        { ...request.body, name: request.body.name.trim() },
        staffChangeLog(app, request, gardenId, {
          action: 'product.created',
          subject: { kind: 'product', id },
        }),
      );
      return reply.status(201).send(product);
    },
  );

  app.put(
    '/products/:productId',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: 'Changes a product (name, unit, still grown). `version` must be the one read.',
        security: [{ bearer: [] }],
        params: ProductParams,
        body: Type.Object(
          { ...ProductInput.properties, version: Version(1) },
          { additionalProperties: false },
        ),
        response: { 200: Product, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, productId } = request.params;
      const { version, ...input } = request.body;
      const before = await store.products.get(gardenId, productId);
      if (!before) throw notFound({ fr: 'Produit', en: 'Product' });
      return store.products.update(
        gardenId,
        productId,
        version,
        { ...input, name: input.name.trim() },
        staffChangeLog(app, request, gardenId, {
          action: 'product.updated',
          subject: { kind: 'product', id: productId },
          before,
        }),
      );
    },
  );
};
