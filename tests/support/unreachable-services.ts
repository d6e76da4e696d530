import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { createDocumentStore } from '../../adapters/store/documents.ts';
import { createStore } from '../../adapters/store/index.ts';
import { createApiServices, type ApiServices } from '../../api/plugins/services.ts';

/**
 * The API's services pointed at a port where nothing answers: for tests of what the app does
 * before (or instead of) reaching its peers, and of what people see when the database is down.
 */
export function unreachableServices(): ApiServices {
  const nowhere = 'http://127.0.0.1:9';
  return createApiServices(
    createStore({ region: 'eu-west-3', endpoint: nowhere, tablePrefix: 'nowhere' }),
    new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }) }),
    createDocumentStore(new S3Client({ region: 'eu-west-3', endpoint: nowhere }), 'nowhere'),
  );
}
